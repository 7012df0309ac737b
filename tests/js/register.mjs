// `node --import ./tests/js/register.mjs --test ...`: the portal's static files are ES modules
// named .js with no package.json above them (the browser is told by <script type="module">).
// Node 20.19 and newer detect that by themselves; Debian 12's Node 18 needs this hook.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
