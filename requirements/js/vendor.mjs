// The third-party browser code the portal serves, copied from requirements/js/node_modules (pinned by
// package-lock.json) into portal/static/vendor/: committed, so the demo and the Docker image need no
// Node.js, and checked by `./run test` (--check) to be exactly the pinned package's files.
//     node requirements/js/vendor.mjs          copy (after changing a version in package.json)
//     node requirements/js/vendor.mjs --check  exit 1 if a copy differs from node_modules
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// package → the files kept (its minified build, its stylesheet, the images it refers to, its licence).
const VENDORED = {
  leaflet: [
    'dist/leaflet.js',
    'dist/leaflet.js.map', // named by leaflet.js: the manifest storage of collectstatic wants it
    'dist/leaflet.css',
    'dist/images/layers.png',
    'dist/images/layers-2x.png',
    'dist/images/marker-icon.png',
    'dist/images/marker-icon-2x.png',
    'dist/images/marker-shadow.png',
    'LICENSE',
  ],
};

const check = process.argv.includes('--check');
const differing = [];
for (const [name, files] of Object.entries(VENDORED)) {
  for (const file of files) {
    const source = join(here, 'node_modules', name, file);
    const target = join(root, 'portal', 'static', 'vendor', name, file.replace(/^dist\//, ''));
    if (check) {
      let same = false;
      try {
        same = readFileSync(source).equals(readFileSync(target));
      } catch {
        same = false;
      }
      if (!same) differing.push(target);
    } else {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(source, target);
    }
  }
}
if (differing.length) {
  console.error(`Not the files of requirements/js/package-lock.json (run node requirements/js/vendor.mjs):\n  ${differing.join('\n  ')}`);
  process.exit(1);
}
