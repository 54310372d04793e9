import { IANAZone } from 'luxon';

/**
 * ICU names some zones by their CLDR identifiers, older spellings that the tz database keeps only
 * as links to the names it uses today. A zone is stored by today's name.
 */
const TODAYS_SPELLING: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/**
 * The one name a zone is stored and written under, or null for a name that is no IANA zone.
 * Case is the tz database's (`europe/paris` is `Europe/Paris`), and a link names the zone it
 * stands for (`US/Eastern` and `EST5EDT` are `America/New_York`, `Etc/UTC` and `GMT` are `UTC`),
 * so one zone has one name in rows, feeds and calendar files. The runtime's tz data decides which
 * zone a link stands for.
 */
export function canonicalZoneName(name: string): string | null {
  if (!IANAZone.isValidZone(name)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  // An offset such as +05:00 is no zone (newer runtimes accept it as a time zone).
  if (!/^[A-Za-z]/.test(resolved)) return null;
  return TODAYS_SPELLING[resolved] ?? resolved;
}
