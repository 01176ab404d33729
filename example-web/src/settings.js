// Settings live in localStorage: every tab and every reload of this device shares them.
const KEY = 'offsync-demo-settings';

// One fixed demo token by default, so two devices of one user share one journal.
export const DEFAULTS = Object.freeze({ token: 'Bearer demo', manual: false });

export function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) || '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveSettings(s) {
  localStorage.setItem(KEY, JSON.stringify({ token: s.token, manual: !!s.manual }));
}

/** A token typed without a scheme gets "Bearer " in front. */
export function normaliseToken(t) {
  const v = String(t || '').trim();
  if (!v) return DEFAULTS.token;
  return /^\w+\s/.test(v) ? v : `Bearer ${v}`;
}
