// What both acceptance scripts share: a client pointed at Tally, and steps with results.

import { createClient } from '@wix/sdk';

// Pointing the client at Tally (contract section 1): keep the default host, rewrite the origin.
export function clientFor(modules, baseUrl, token) {
  const auth = token === undefined
    ? undefined
    : { getAuthHeaders: async () => ({ headers: { Authorization: `Bearer ${token}` } }) };
  return createClient({
    modules,
    ...(auth ? { auth } : {}),
    fetch: (url, init) => {
      const u = new URL(url);
      return fetch(`${baseUrl}${u.pathname}${u.search}`, init);
    },
  });
}

export const results = [];

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function step(name, body) {
  try {
    const detail = await body();
    results.push({ name, ok: true, detail: detail ?? null });
  } catch (err) {
    results.push({
      name,
      ok: false,
      detail: String(err?.stack || err),
      details: err?.details ?? null,
    });
  }
}

export async function refusal(call) {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded but should have been refused');
}

export function codeOf(err) {
  return err?.details?.applicationError?.code;
}

export const isDate = (value) => value instanceof Date && !Number.isNaN(value.getTime());
