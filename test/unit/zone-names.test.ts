import { IANAZone } from 'luxon';
import { instant, timezone } from '../../api/common-schemas';
import { canonicalZoneName } from '../../scheduling/zone-names';

describe('canonicalZoneName', () => {
  it('spells a zone as the tz database does, and a link as the zone it stands for', () => {
    expect(canonicalZoneName('europe/paris')).toBe('Europe/Paris');
    expect(canonicalZoneName('AMERICA/NEW_YORK')).toBe('America/New_York');
    expect(canonicalZoneName('US/Eastern')).toBe('America/New_York');
    expect(canonicalZoneName('EST5EDT')).toBe('America/New_York');
    expect(canonicalZoneName('Etc/UTC')).toBe('UTC');
    expect(canonicalZoneName('utc')).toBe('UTC');
    expect(canonicalZoneName('Etc/GMT+5')).toBe('Etc/GMT+5');
    // Today's names, not ICU's older CLDR spellings.
    expect(canonicalZoneName('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(canonicalZoneName('asia/calcutta')).toBe('Asia/Kolkata');
    expect(canonicalZoneName('Europe/Kiev')).toBe('Europe/Kyiv');
    expect(canonicalZoneName('Europe/Atlantis')).toBeNull();
    expect(canonicalZoneName('+05:00')).toBeNull();
  });

  it('gives every zone the runtime knows one valid name, which is its own canonical name', () => {
    const wrong = Intl.supportedValuesOf('timeZone').filter((zone) => {
      const name = canonicalZoneName(zone);
      return name === null || !IANAZone.isValidZone(name) || canonicalZoneName(name) !== name
        || IANAZone.create(name).offset(Date.UTC(2027, 0, 1)) !== IANAZone.create(zone).offset(Date.UTC(2027, 0, 1))
        || IANAZone.create(name).offset(Date.UTC(2027, 6, 1)) !== IANAZone.create(zone).offset(Date.UTC(2027, 6, 1));
    });
    expect(wrong).toEqual([]);
  });

  it('is what the API stores: the request\'s zone comes out canonical, and a name that is no zone is refused', () => {
    expect(timezone.parse('europe/paris')).toBe('Europe/Paris');
    expect(timezone.safeParse('Mars/Olympus').error?.issues[0].message).toBe('must be an IANA time zone such as Europe/Paris');
  });
});

describe('instant', () => {
  it('takes offsets up to ±23:59 and refuses +24:00, which no zone has', () => {
    expect(instant.parse('2027-03-01T09:00:00+23:59').toISOString()).toBe('2027-02-28T09:01:00.000Z');
    expect(instant.parse('2027-03-01T09:00:00-05:00').toISOString()).toBe('2027-03-01T14:00:00.000Z');
    for (const value of ['2027-03-01T09:00:00+24:00', '2027-03-01T09:00:00-2400', '2027-03-01T09:00:00+05:60']) {
      expect(instant.safeParse(value).success).toBe(false);
    }
  });
});
