"""The starting topic vocabulary the importer tags entries with.

Each topic lists keywords and phrases (matched case-insensitively, on word
boundaries, in an entry's title and text). Curators extend the vocabulary by
adding Topics, or keywords to a Topic, in the CRUD screens or the admin: the
importer reads the topics in the database together with these defaults, the
database winning where both define the same slug.
"""

from .recap_data import TopicData

DEFAULT_TOPICS: list[TopicData] = [
    TopicData(
        "Accessibility",
        "accessibility",
        "Making sites and tools usable by everyone.",
        ["accessibility", "accessible", "screen reader", "a11y"],
    ),
    TopicData(
        "Community",
        "community",
        "The people around Django and Python, and how they work together.",
        ["community", "djangonaut", "black python devs", "meetup", "volunteer", "volunteers"],
    ),
    TopicData(
        "Databases",
        "databases",
        "Storing and querying data: PostgreSQL, MongoDB, the ORM.",
        [
            "postgresql",
            "postgres",
            "mongodb",
            "database",
            "databases",
            "sql",
            "orm",
            "queryset",
            "querysets",
        ],
    ),
    TopicData(
        "Debugging & observability",
        "debugging-observability",
        "Finding out what a running system does: errors, alerts, logs, profilers.",
        [
            "troubleshooting",
            "debugging",
            "debugger",
            "error",
            "errors",
            "alert",
            "alerts",
            "sentry",
            "logging",
            "monitoring",
            "django-debug-toolbar",
        ],
    ),
    TopicData(
        "Django internals",
        "django-internals",
        "How Django itself is made, released and maintained.",
        [
            "django fellow",
            "django fellowship",
            "fellowship",
            "release notes",
            "django 5",
            "django core",
            "ticket",
        ],
    ),
    TopicData(
        "Education",
        "education",
        "Teaching and learning.",
        [
            "education",
            "educator",
            "teaching",
            "teach",
            "learning",
            "mastery learning",
            "metacognition",
        ],
    ),
    TopicData(
        "Frontend & htmx",
        "frontend-htmx",
        "What runs in the browser: HTML over the wire, htmx, Alpine.js, SPAs.",
        [
            "htmx",
            "alpine.js",
            "alpinejs",
            "spa",
            "javascript",
            "react",
            "frontend",
            "front-end",
            "template partials",
            "django-template-partials",
        ],
    ),
    TopicData(
        "Careers & identity",
        "careers-identity",
        "Being a developer: careers, networking and who we are.",
        ["career", "careers", "networking", "identity", "being a developer"],
    ),
    TopicData(
        "Mentoring",
        "mentoring",
        "Mentoring, onboarding and welcoming newcomers.",
        ["mentoring", "mentor", "mentorship", "onboarding", "newcomer", "newcomers"],
    ),
    TopicData(
        "Open-source funding",
        "open-source-funding",
        "Paying for open source: the DSF, grants and donors.",
        [
            "dsf",
            "django software foundation",
            "budget",
            "fundraising",
            "donors",
            "grants",
            "sponsor",
            "sponsoring",
        ],
    ),
    TopicData(
        "Performance",
        "performance",
        "Making Django apps fast: profiling, benchmarking, query optimisation.",
        [
            "performance",
            "profiling",
            "profiler",
            "benchmarking",
            "benchmark",
            "select_related",
            "prefetch_related",
            "n+1",
            "optimizing",
            "optimization",
        ],
    ),
    TopicData(
        "Architecture",
        "architecture",
        "How to structure an application and choose a stack.",
        [
            "locality of behavior",
            "locality of behaviour",
            "architecture",
            "stack",
            "crud",
            "api",
            "bootstrapping",
        ],
    ),
    TopicData(
        "Sustainability",
        "sustainability",
        "The environmental cost of software and how to lower it.",
        ["carbon", "emissions", "sustainability", "greener", "energy"],
    ),
    TopicData(
        "Diversity & inclusion",
        "diversity-inclusion",
        "Making tech and the Django community open to everyone.",
        ["diversity", "inclusion", "diverse", "women", "visa", "psychological safety"],
    ),
]
