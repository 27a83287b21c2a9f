// A node's URL as the arena shows or records it. RPC URLs often carry secrets: a user and password
// (`https://user:pass@host`), an API key in the path (`/v3/<key>`, `/v2/<key>`) or in the query
// (`?apikey=…`, `?token=…`). Every message, printed line and run file shows only the scheme, the host
// and the port, with a mark where something was hidden, so a pasted error or a shared run folder
// never leaks a key.

/** What a hidden part of a URL is shown as. */
export const HIDDEN = "***";

/**
 * `url` without its credentials, path and query: `https://***@rpc.example.com/***?***` for
 * `https://alice:pw@rpc.example.com/v3/key?apikey=k`, `http://127.0.0.1:8545` unchanged. Text that is
 * not a URL is returned as it is unless it has an `@` or a `?` (it may hold a secret), then HIDDEN.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return /[@?]/.test(url) ? HIDDEN : url;
  }
  if (!parsed.host) return /[@?]/.test(url) ? HIDDEN : url;
  const credentials = parsed.username !== "" || parsed.password !== "" ? `${HIDDEN}@` : "";
  const path = parsed.pathname !== "" && parsed.pathname !== "/" ? `/${HIDDEN}` : "";
  const query = parsed.search !== "" ? `?${HIDDEN}` : "";
  const fragment = parsed.hash !== "" ? `#${HIDDEN}` : "";
  return `${parsed.protocol}//${credentials}${parsed.host}${path}${query}${fragment}`;
}

/** Every URL in `text` (http, https, ws, wss) shown as displayUrl shows it: for messages that quote other errors. */
export function redactUrls(text: string): string {
  return text.replace(/\b(?:https?|wss?):\/\/[^\s"'<>`]+/gi, (match) => {
    // A sentence's closing punctuation is not part of the URL.
    const trailing = /[.,;:)\]]+$/.exec(match)?.[0] ?? "";
    return displayUrl(match.slice(0, match.length - trailing.length)) + trailing;
  });
}
