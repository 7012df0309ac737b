"""The static files storage of production: whitenoise's compressed manifest, with ES module imports.

The portal's JavaScript is ES modules that import each other by relative path (room.js imports
./protocol.js and ../js/connection.js). Django rewrites those imports to the hashed names when
support_js_module_import_aggregation is on, so a page always loads the modules of one release,
each cached for ever, instead of unhashed files that a deployment changes under open pages.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
