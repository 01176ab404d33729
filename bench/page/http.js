// HTTP helper shared by the raw and RxDB sides: one request, its JSON body, a clear error otherwise.

export async function getJSON(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method || 'GET'} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
