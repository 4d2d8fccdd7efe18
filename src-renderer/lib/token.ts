/** Where the page keeps the serve-mode token: per tab, gone when the tab closes. */
export const TOKEN_KEY = 'rosas-token';

/**
 * The access token of `rosas serve`. The printed URL carries it once (`#token=` or `?token=`);
 * it is moved to sessionStorage and removed from the address bar, so it is not left in the
 * history or on a screenshot. A reload then finds it in sessionStorage.
 */
export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  const query = new URLSearchParams(location.search);
  const fromQuery = query.get('token');
  const given = fromHash || fromQuery;
  if (given) {
    storage.setItem(TOKEN_KEY, given);
    query.delete('token');
    const search = query.toString();
    history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
    return given;
  }
  return storage.getItem(TOKEN_KEY);
}
