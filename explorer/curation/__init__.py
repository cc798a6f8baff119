"""The curator side: everything a signed-in curator uses to fix and manage recaps.

One module per job, so that "how does a curator X" is answered by one file:

``urls``           the /manage/ URLs (mounted by ``config/urls.py``, not namespaced:
                   neapolitan reverses plain names such as "entry-list")
``access``         who may open a curator view: login redirects, 403, ``curator_required``
``crud_view``      ``CuratorCRUDView``, the base of every CRUD screen, and filter pieces
``screens``        the CRUD screens, one per model, and their filters (``CRUD_VIEWS``)
``index``          ``/manage/``: the screens a curator may open
``deletion``       what a deletion takes along, shown before it happens
``object_urls``    an object's curator screen and attendee page
``forms``          the curator forms, and saving an entry with its version check
``inline``         editing an entry in place on an explorer card (its URLs are in
                   ``explorer/urls.py``, beside the cards)
``history``        an entry's versions, what each changed, and reverting
``history_views``  the history page and its revert button
``merge``          merging a duplicate person, place or topic into another, and undoing it
``merge_views``    the "Merge into…" screens (``Mergeable``) and the merge's revert button
``export``         a curated recap as a RecapData document or as Markdown
``downloads``      a recap's JSON and Markdown downloads
``web_import``     importing in the browser: corrections applied to an upload, review cards
``import_diff``    what a re-import would change, entry by entry (the loader's rules)
``import_forms``   the upload form and an entry's correction form
``import_views``   /manage/import/: upload, review, correct, import, discard

Imports go one way: this package uses the modules at the app's root (the models,
filters, search, the loader); nothing at the root imports it except the URL modules
(``explorer/urls.py``, ``config/urls.py``). Management commands that are curator
tools may use it too (``export_recap`` writes with ``export``).
"""
