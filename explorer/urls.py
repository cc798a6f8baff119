# Placeholder: the explorer views replace this.
urlpatterns: list = []
