/**
 * Compare two byte strings in time that depends only on the length of `a` (the computed
 * value), never on where they differ. crypto.subtle.timingSafeEqual exists in workerd but
 * not in Node, so this is the portable one.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ (i < b.length ? b[i] : 0);
  return diff === 0;
}
