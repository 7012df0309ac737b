/* A message body cut into text, links and @mentions: the tokens of
 * workgroups/templatetags/workgroups_tags.py (message_tokens), token for token.
 *
 * Pure: no DOM. render.js turns the tokens into nodes; the test vectors in
 * tests/data/tokenizer_vectors.json are read by the Python and the JavaScript tests alike.
 */

const URL_PATTERN = String.raw`(?<![\p{L}\p{N}_@/.\-])(?:https?://|www\.)[^\s<>"]+`;
const MENTION_PATTERN = String.raw`(?<![\p{L}\p{N}_@])@([a-z0-9][a-z0-9\-]{0,79})`;
// The URL comes first: "https://example.org/@name" is one link, not a link and a mention.
const MESSAGE_TOKENS = new RegExp(`(${URL_PATTERN})|${MENTION_PATTERN}`, 'giu');
const URL_PREFIX = /^(?:https?:\/\/|www\.)/i;
const TRAILING_PUNCTUATION = '.,;:!?\'"»”’)]';
const CLOSERS = { ')': '(', ']': '[' };

const count = (text, character) => text.split(character).length - 1;

/** The URL without the punctuation that ends the sentence around it, and that punctuation. */
export function splitUrl(candidate) {
  let url = candidate;
  while (url && TRAILING_PUNCTUATION.includes(url[url.length - 1])) {
    const last = url[url.length - 1];
    // "(voir https://fr.wikipedia.org/wiki/Coopérative_(France))": keep a closer that has its opener.
    if (CLOSERS[last] && count(url, CLOSERS[last]) >= count(url, last)) break;
    url = url.slice(0, -1);
  }
  return [url, candidate.slice(url.length)];
}

/**
 * The tokens of `body`, in order: {text}, {link, text} (link is the href) or {mention, text, me}
 * (mention is the lower-case handle). `handles` maps the members' lower-case handles to true for
 * the reader's own. Consecutive text is one token; there is no empty one.
 */
export function messageTokens(body, handles) {
  const tokens = [];
  const text = (value) => {
    if (!value) return;
    const previous = tokens[tokens.length - 1];
    if (previous && Object.keys(previous).length === 1) previous.text += value;
    else tokens.push({ text: value });
  };
  let position = 0;
  for (const match of body.matchAll(MESSAGE_TOKENS)) {
    text(body.slice(position, match.index));
    position = match.index + match[0].length;
    if (match[1]) {
      const [url, rest] = splitUrl(match[1]);
      if (url.replace(URL_PREFIX, '')) {
        tokens.push({ link: /^https?:\/\//i.test(url) ? url : `https://${url}`, text: url });
      } else {
        text(url);
      }
      text(rest);
      continue;
    }
    const handle = match[2].toLowerCase();
    if (handles.has(handle)) tokens.push({ mention: handle, text: match[0], me: Boolean(handles.get(handle)) });
    else text(match[0]);
  }
  text(body.slice(position));
  return tokens;
}
