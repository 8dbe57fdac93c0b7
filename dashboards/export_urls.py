"""URLs of the record exports and the printable province report (issue 6)."""

urlpatterns: list = []
