"""The importer's small word lists: data, kept apart from the code that reads them.

Each list is English cue words that any recap of a conference may use (never
the titles or names of one recap). Given names are not here: they come from a
maintained package (see ``names``). Lists are matched on word boundaries,
ignoring case, unless said otherwise.
"""

from __future__ import annotations

# fmt: off

# --- kinds of entries ---------------------------------------------------------------

TALK_KINDS = ("keynote", "talk", "panel", "lightning-talk")
KINDS = ("keynote", "talk", "panel", "lightning-talk", "food", "event", "sight", "note")

# Heading prefixes naming the kind ("Keynote- Title", "Panel Discussion: Title").
KIND_PREFIXES = (
    ("keynote", ("opening keynote", "closing keynote", "keynote talk", "keynote address",
                 "keynote")),
    ("panel", ("panel discussion", "panel")),
    ("lightning-talk", ("lightning talks", "lightning talk")),
    ("talk", ("talk", "session", "presentation")),
)
# Words anywhere in a heading that name a kind of talk ("Lightning Talk Cameo", "Ada Keynote").
HEADING_TALK_WORDS = (
    ("lightning-talk", ("lightning talk", "lightning talks")),
    ("keynote", ("keynote", "keynotes")),
    ("panel", ("panel", "panel discussion")),
    ("talk", ("talk", "talks", "presentation", "session")),
)
# Words in a heading that announce talks are listed beneath it, not one talk.
TALK_GROUP_WORDS = (
    "talks", "sessions", "presentations", "lightning talks", "keynotes", "more talks",
    "other talks", "talks i attended", "talks i saw", "highlights",
)

EVENT_WORDS = (
    "summit", "social", "socials", "sprint", "sprints", "festival", "stuffing", "happy hour",
    "arcade", "competition", "party", "parties", "meetup", "meet-up", "reception", "hackathon",
    "tournament", "karaoke", "trivia", "game night", "celebration", "gala", "mixer", "fest",
    "parade", "concert", "orientation", "workshop", "workshops", "tutorial", "tutorials",
    "open space", "open spaces", "auction", "fun run", "5k", "registration", "check-in", "booth",
    "expo", "job fair", "poster session", "posters", "ceremony", "quiz", "games", "dance",
    "photo walk", "walking tour", "volunteering", "opening", "welcome", "opening remarks",
    "closing remarks", "kickoff", "kick-off",
)
# Phrases that hold an event word but are not events.
EVENT_WORD_EXCEPTIONS = ("social media", "social network", "social networks", "social justice")
FOOD_WORDS = (
    "ate", "eat", "eating", "eaten", "ordered", "lunch", "dinner", "breakfast", "brunch", "meal",
    "meals", "food", "coffee", "latte", "crepe", "crepes", "pizza", "ice cream", "flavor",
    "flavour", "menu", "buffet", "grits", "drinks", "drink", "dessert", "restaurant",
    "restaurants", "cuisine", "snack", "delicious", "tasty", "dish", "dishes", "cocktail",
    "cocktails", "beer", "chai", "mocha", "sandwich", "taco", "tacos", "barbecue", "bbq",
    "brewery", "bakery", "waffle", "waffles", "burger", "burgers", "noodles", "ramen", "sushi",
    "pastry", "pastries", "donut", "donuts", "doughnut", "bagel", "tea", "espresso", "gelato",
    "yum", "yummy", "tasted", "appetizer", "entree", "seafood", "steak", "lobster", "salad",
    "soup", "pasta", "chocolate", "wine", "cider", "brisket", "dumplings", "pho",
    "deli", "snacks", "croissant", "croissants", "groceries", "sandwiches",
)
SIGHT_WORDS = (
    "sightseeing", "sight seeing", "sights", "gardens", "garden", "hotel", "view", "views",
    "skyline", "bridge", "pool", "rooftop", "museum", "market", "markets", "park", "tour",
    "monument", "landmark", "lake", "beach", "trail", "cathedral", "castle", "zoo", "aquarium",
    "waterfront", "harbor", "harbour", "river", "mountain", "hike", "statue", "gallery", "library",
    "temple", "church", "plaza", "square", "neighborhood", "neighbourhood", "mural", "murals",
    "architecture", "sunset", "sunrise", "cable car", "gondola", "ferry", "boat tour", "lookout",
    "viewpoint", "hiking", "waterfall", "national park", "lighthouse", "pier", "boardwalk",
    "tower", "observatory", "palace", "island",
)
# In a heading, the sight words less those that also name programming ("Async Views",
# "Connection Pool", "A Library for Dates").
HEADING_SIGHT_WORDS = tuple(
    word for word in SIGHT_WORDS if word not in ("views", "pool", "pools", "library", "libraries")
)
# Verbs that tell of eating or drinking something ("I ordered the gnocchi").
EATING_VERBS = (
    "ate", "eat", "eating", "eaten", "ordered", "order", "tried", "tasted", "sipped", "drank",
    "devoured", "shared", "grabbed", "had",
)
MEAL_WORDS = ("lunch", "dinner", "breakfast", "brunch", "meal", "snack", "supper")

# --- people -------------------------------------------------------------------------

# Capitalised words that start sentences or titles but are not names.
NOT_NAMES = (
    "a", "an", "the", "and", "or", "but", "so", "if", "as", "at", "by", "for", "from", "in",
    "into", "of", "on", "to", "with", "after", "before", "during", "since", "until", "while",
    "when", "where", "why", "how", "what", "who", "which", "because", "although", "though", "also",
    "then", "there", "here", "this", "that", "these", "those", "it", "its", "i", "me", "my", "we",
    "our", "us", "you", "your", "he", "she", "his", "her", "they", "their", "them", "thank",
    "thanks", "last", "next", "first", "one", "two", "three", "some", "many", "most", "all",
    "every", "each", "no", "not", "yes", "please", "see", "check", "read", "watch", "according",
    "even", "just", "only", "more", "less", "great", "good", "new", "old", "today", "tonight",
    "yesterday", "tomorrow", "mr", "mrs", "ms", "dr", "day", "keynote", "talk", "panel",
    "lightning", "video", "slides", "photo", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "september", "october", "november",
    "december", "north", "south", "east", "west", "happy", "hour", "open", "source", "opening",
    "closing", "welcome", "hello", "morning", "afternoon", "evening", "night", "lunch", "dinner",
    "breakfast", "coffee",
)
# Lower-case words allowed inside a name ("Ludwig van Beethoven").
NAME_PARTICLES = (
    "de", "da", "das", "do", "dos", "van", "von", "der", "den", "del", "della", "di", "du", "la",
    "le", "bin", "ibn", "al", "el", "ten", "ter",
)
# Words of role titles written in front of or after a name ("Django Fellow Sarah Boyce").
ROLE_WORDS = (
    "fellow", "member", "members", "board", "president", "chair", "chairperson", "founder",
    "cofounder", "co-founder", "creator", "co-creator", "director", "executive", "executor",
    "recruiter", "developer", "engineer", "designer", "treasurer", "secretary", "organizer",
    "organiser", "maintainer", "contributor", "author", "speaker", "host", "ceo", "cto", "cfo",
    "coo", "manager", "lead", "advocate", "evangelist", "researcher", "professor", "student",
    "volunteer", "bdfl", "core", "staff", "emeritus", "chief", "officer", "consultant",
    "architect", "scientist", "writer", "editor", "mentor", "coach", "attendee", "vice",
    "keynoter", "emcee", "moderator", "friend", "colleague", "teammate", "coworker", "co-worker",
    "community", "organizers", "organisers", "dsf", "psf", "chairs", "co-chair",
)
# Last words that make a capitalised phrase a place or an organisation, not a person.
ORGANISATION_WORDS = (
    "center", "centre", "hotel", "garden", "gardens", "market", "company", "hall", "street",
    "foundation", "university", "college", "school", "summit", "conference", "lab", "labs", "inc",
    "office", "park", "museum", "bar", "cafe", "café", "restaurant", "devs", "space", "house",
    "brewing", "church", "bridge", "road", "avenue", "square", "club", "team", "project",
    "society", "association", "institute", "group", "studio", "studios", "fellowship", "program",
    "programme", "initiative", "committee", "council", "forum", "community", "framework", "social",
    "meetup", "con", "camp", "sprint", "sprints", "night", "party", "festival", "fest", "kitchen",
    "grill", "tavern", "pub", "bakery", "coffee", "pizza", "brewery", "taproom", "diner", "bistro",
    "cantina", "market", "hub", "ventures", "capital", "partners", "media", "labs", "systems",
    "software", "technologies", "tech", "works", "ltd", "llc", "corp", "airport", "station",
    "stadium", "arena", "theatre", "theater", "library", "gallery", "island", "beach", "lake",
    "river", "trail", "tower", "plaza", "mall", "building", "podcast", "show", "radio", "magazine",
    "weekly", "news", "blog", "talent",
)
# Words anywhere in a capitalised phrase that mark it as an event, meetup or organisation.
ORGANISATION_ANYWHERE = (
    "django", "python", "pycon", "djangocon", "pydata", "pyladies", "djangonaut", "djangonauts",
    "github", "google", "microsoft", "amazon", "meta", "apple", "mozilla", "wagtail", "psf", "dsf",
    "defna", "social", "meetup", "devs", "foundation", "conference", "summit",
)
# Verbs that show a person giving the talk when they follow the name.
SPEAKING_VERBS = (
    "defined", "defines", "showed", "shows", "said", "says", "started", "starts", "explained",
    "explains", "introduced", "introduces", "pointed", "points", "gave", "gives", "described",
    "describes", "talked", "talks", "discussed", "discusses", "presented", "presents",
    "demonstrated", "demonstrates", "shared", "shares", "began", "begins", "opened", "kicked",
    "walked", "argued", "argues", "emphasized", "emphasised", "highlighted", "covered", "covers",
    "spoke", "speaks", "reminded", "told", "asked", "recommended", "suggested", "delivered",
    "delivers", "proposed", "made", "encouraged", "reflected", "revealed", "acknowledged", "went",
    "walks", "took", "used", "showcased", "live-coded", "demoed", "outlined", "compared",
    "reviewed", "taught", "urged", "noted", "stressed", "detailed", "broke", "dove", "dived",
    "touched", "offered", "closed", "wrapped", "ended", "concluded", "presented", "explored",
    "tackled", "surveyed", "traced", "recounted", "illustrated",
)
# Verbs that make the name the subject of a description ("X is a retired ...").
BEING_VERBS = ("is", "was", "has", "had", "became", "works", "worked", "runs")
# Words naming a talk, for "keynote by X" and "Thank you to X for this talk".
TALK_WORDS = (
    "talk", "keynote", "presentation", "lightning talk", "session", "workshop", "tutorial",
    "address", "panel",
)
PRONOUNS = ("he", "she", "they")
FIRST_PERSON = ("I", "me", "Me", "my", "My", "we", "We", "our", "Our", "us", "Us")
# Words that say a name is credited for a photo, not for the talk.
CREDIT_WORDS = ("photo credit", "photo by", "credit", "courtesy", "photographer", "pic by")
HOST_MARKERS = ("host", "hosted by", "moderator", "moderated by", "emcee", "mc")
PANEL_LABELS = (
    "panel participants", "panellists", "panelists", "panel members", "panel", "participants",
)
# The author meeting or spending time with someone (such a section is a note, not a talk).
MEETING_VERBS = (
    "had the chance to meet", "got to meet", "met", "chatted", "talked", "caught up",
    "had a conversation", "took a photo", "took a selfie", "spent time with", "connected",
    "hung out", "had coffee with", "had lunch with", "had dinner with", "had breakfast with",
    "finally met", "met up", "spoke", "grabbed coffee with", "sat with", "ran into",
    "bumped into",
)
# Heading words that say the section is about meeting someone ("Meeting Lorenzo").
MEETING_HEADING_WORDS = (
    "meeting", "met", "coffee with", "lunch with", "dinner with", "breakfast with", "catching up",
    "caught up", "hanging out", "connections", "friends", "reunion", "hallway",
)

# --- places and dishes ---------------------------------------------------------------

# Place kinds by cue word, in priority order; food places and sights are told apart.
FOOD_PLACE_KINDS = (
    ("food-hall", ("food hall", "food halls")),
    ("food-truck", ("food truck", "food trucks", "truck")),
    ("ice-cream", ("ice cream", "ice-cream", "parlour", "parlor", "gelato", "creamery")),
    (
        "cafe",
        (
            "café",
            "cafe",
            "coffee",
            "coffee shop",
            "coffeehouse",
            "espresso",
            "tea room",
            "bakery",
            "roasters",
            "roastery",
        ),
    ),
    ("bar", ("bar", "brewing", "brewery", "pub", "taproom", "tavern", "winery", "distillery")),
    (
        "restaurant",
        (
            "restaurant",
            "bistro",
            "diner",
            "trattoria",
            "steakhouse",
            "eatery",
            "kitchen",
            "grill",
            "cantina",
            "pizzeria",
            "taqueria",
        ),
    ),
)
SIGHT_PLACE_KINDS = (
    ("hotel", ("hotel", "inn", "resort")),
    ("garden", ("garden", "gardens", "arboretum")),
    ("market", ("market", "bazaar")),
    (
        "landmark",
        (
            "bridge",
            "trestle",
            "monument",
            "tower",
            "statue",
            "museum",
            "cathedral",
            "castle",
            "landmark",
            "skyline",
        ),
    ),
)
# Words in a site's address that make it a food place's own site.
FOOD_SITE_WORDS = (
    "coffee", "cafe", "kitchen", "grill", "pizza", "pizzeria", "bbq", "brewing", "brewery",
    "bakery", "tacos", "taco", "eats", "food", "restaurant", "bistro", "menu", "diner", "creamery",
    "icecream", "donuts", "bagels", "tea", "burger", "burgers", "noodle", "ramen", "sushi",
    "crepe", "crepes", "lobster", "bar", "pub", "tavern", "wine", "cider",
)
# Words before a link that make it a place ("dinner at [X]", "I love [X]").
VENUE_BEFORE_WORDS = (
    "at", "to", "visit", "visited", "visiting", "love", "loved", "tried", "into", "inside",
    "toward", "towards",
)
VENUE_AFTER_WORDS = (
    "restaurant", "coffee shop", "cafe", "café", "bar", "brewery", "hotel", "food truck", "bakery",
    "diner", "pub", "shop", "market", "museum",
)
NOT_VENUE_STARTS = (
    "video", "slides", "photo", "photos", "code", "example", "read", "watch", "written", "more",
)
# Labels of lists of dishes ("Drinks had:", "Dishes:").
DISH_LIST_WORDS = (
    "drinks", "drink", "dishes", "dish", "food", "ate", "eaten", "ordered", "menu", "tried", "had",
    "meals", "eats", "tasted", "courses", "order",
)

# --- structure ------------------------------------------------------------------------

# Heading texts that introduce a table of contents.
CONTENTS_HEADINGS = ("table of contents", "contents", "toc", "on this page", "in this post")
# Link texts of navigation links.
NAVIGATION_TEXTS = ("back to top", "top", "to top", "return to top", "↑", "⬆", "🔝", "up")
# Words of a time, not a place ("Saturday Evening", "Last Night").
TIME_WORDS = (
    "day", "night", "trip", "morning", "afternoon", "evening", "tonight", "weekend", "today",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Heading words of a part that is a day of the conference (with or without a date).
DAY_WORDS = (
    "day", "sprint", "sprints", "tutorial", "tutorials", "workshop day", "workshops",
    "conference day", "summit", "pre conference", "post conference", "preconference", "travel day",
    "arrival", "departure", "weekend",
)
ORDINALS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
)
ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
)
# fmt: on
