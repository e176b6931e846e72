/** The id a profile gets from its name: lowercase ASCII letters, digits and dashes (ServerId's pattern). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // drop accents: "Café" -> "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
  // Names without any ASCII letter or digit (e.g. "本番サーバ") still need an id.
  return slug || 'server'
}

/** `base`, or `base-2`, `base-3`, ... : the first one not in `taken`, never longer than 63 characters. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    const suffix = `-${n}`
    const candidate = base.slice(0, 63 - suffix.length).replace(/-+$/, '') + suffix
    if (!taken.has(candidate)) return candidate
  }
}
