import { fieldErrorWording, refusalWording } from '../../web/refusal-wording';
import { translator } from '../../web/strings';

const en = translator('en');
const fr = translator('fr');

describe('a page words the API\'s refusals in its visitor\'s language', () => {
  test('the fields a page knows get its own sentence in every language', () => {
    const errors = [{ path: 'email', message: 'must be an e-mail address' }, { path: 'name', message: 'Too small' }];
    expect(fieldErrorWording(en, 'en', errors).map((error) => error.message)).toEqual([en('error_email'), en('error_name')]);
    expect(fieldErrorWording(fr, 'fr', errors).map((error) => error.message)).toEqual([
      'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr', 'Saisissez votre nom (200 caractères au plus)',
    ]);
  });

  test('other fields keep the API\'s specific words in English, and get a French sentence in French', () => {
    const errors = [{ path: 'booking_fields.topic', message: 'Topic: is required' }, { path: 'start', message: 'must be a date-time' }];
    expect(fieldErrorWording(en, 'en', errors)).toEqual(errors);
    expect(fieldErrorWording(fr, 'fr', errors)).toEqual([
      { path: 'booking_fields.topic', message: 'Vérifiez votre réponse à cette question' }, { path: 'start', message: 'Vérifiez ce champ' },
    ]);
  });

  test('refusals by code: a notice period, a full session, a change too late', () => {
    expect(refusalWording(fr, 'fr', 'min_notice', 'starts within the minimum notice', 'slot_taken')).toMatch(/^Ce créneau est trop proche/);
    expect(refusalWording(en, 'en', 'session_full', 'the session is full', 'slot_taken')).toBe('This session is full.');
    expect(refusalWording(en, 'en', 'no_resource_free', 'no resource is free', 'slot_taken')).toBe(en('slot_taken'));
    // A refused change says why in the API's sentence in English; in French, in French.
    expect(refusalWording(en, 'en', 'invalid_transition', 'cancellations close 24 h before the start', 'slot_taken')).toBe('cancellations close 24 h before the start');
    expect(refusalWording(fr, 'fr', 'invalid_transition', 'cancellations close 24 h before the start', 'slot_taken')).toBe(fr('refused_change'));
    expect(refusalWording(fr, 'fr', 'something_new', 'an English sentence', 'refused_change')).toBe(fr('refused_change'));
  });
});
