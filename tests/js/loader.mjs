// Loads the project's own /static/ .js files as ES modules (see register.mjs).
export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.js') && url.includes('/static/')) {
    return nextLoad(url, { ...context, format: 'module' });
  }
  return nextLoad(url, context);
}
