"""The attendee pages, and the curators' inline editing of their cards.

The inline editing views are ``explorer.curation.inline``; the curator screens
have their own URLs (``explorer.curation.urls``, under /manage/).

A conference's landing page (``recaps/<slug>/``) sits beside its entries
(``recaps/<recap>/<entry>/``) and days (``recaps/<recap>/days/<day>/``); the
curators' screens for it are under ``/manage/recap/``.
"""

from django.urls import path

from . import feeds, picks, views
from .csp import photo_sources
from .curation import inline

urlpatterns = [
    # Pages with cards or photos let the photos' origins into their CSP (explorer.csp).
    path("", photo_sources(views.explore), name="explore"),
    path("recaps/", views.recap_index, name="recaps"),
    path("recaps/<slug:slug>/", views.recap_page, name="recap"),
    path("recaps/<slug:recap>/days/<slug:slug>/", photo_sources(views.day_page), name="day"),
    # Before the entries: an entry cannot be called "feed".
    path("recaps/<slug:slug>/feed/", feeds.RecapChangesFeed(), name="recap-feed"),
    path("recaps/<slug:recap>/<slug:slug>/", photo_sources(views.entry_page), name="entry"),
    path("speakers/<slug:slug>/", photo_sources(views.speaker_page), name="speaker"),
    path("topics/<slug:slug>/", photo_sources(views.topic_page), name="topic"),
    path("places/<slug:slug>/", photo_sources(views.place_page), name="place"),
    path("picks/", photo_sources(picks.picks_page), name="picks"),
    path("feed/", feeds.ChangesFeed(), name="feed"),
    path("favicon.svg", views.favicon, name="favicon"),
    # Curators editing a card in place (permission checked in each view).
    path("entries/<int:pk>/edit/", inline.entry_inline_edit, name="entry-inline-edit"),
    path("entries/<int:pk>/card/", inline.entry_inline_card, name="entry-inline-card"),
    path("entries/preview/", inline.entry_preview, name="entry-preview"),
]
