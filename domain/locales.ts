/** The languages the pages and the e-mails are written in; the first is the default. */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A stored booking's language, or the default for one made before languages were kept. */
export function localeOrDefault(value: string | null | undefined): Locale {
  return isLocale(value) ? value : LOCALES[0];
}
