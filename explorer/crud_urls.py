# Placeholder: the curator CRUD views replace this.
urlpatterns: list = []
