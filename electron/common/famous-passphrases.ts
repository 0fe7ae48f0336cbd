/**
 * Passphrases that are famous as passphrases: the XKCD 936 examples, phrases from password-advice articles,
 * and quotes and lyrics people reach for when told to "use a sentence". zxcvbn-ts rates a run of common words
 * by the words alone, so "correct horse battery staple" scored 4 (very strong) although it is among the first
 * phrases any cracker tries (issue 17). They are given to zxcvbn as one more dictionary, most famous first
 * (zxcvbn ranks a dictionary word by its position), so such a phrase is matched whole and rates weak.
 *
 * Written in the form zxcvbn compares against: lower case, letters and digits only. The checkers (the
 * engine in core/secrets/zxcvbn-worker.ts and the renderer's meter) also check the typed passphrase in that
 * form (`compactForm`), so spaces, separators and capitals do not hide a famous phrase. Keep the list short
 * and curated: every entry is looked up on every check. Shared by main and the renderer, hence in common/.
 */
const PHRASES: readonly string[] = [
  // XKCD 936 "Password Strength" and the phrases it made famous.
  'correct horse battery staple',
  'correct horse battery',
  'horse battery staple',
  'correct horse',
  'troubadour',
  'tr0ub4dor&3',
  // Examples from passphrase advice, reused verbatim.
  'the quick brown fox jumps over the lazy dog',
  'the quick brown fox',
  'mary had a little lamb',
  'twinkle twinkle little star',
  'humpty dumpty sat on a wall',
  'lorem ipsum dolor sit amet',
  'hello world',
  'open sesame',
  'let me in',
  'i love you',
  'iloveyoutoo',
  'to be or not to be',
  'to be or not to be that is the question',
  'all your base are belong to us',
  'may the force be with you',
  'use the force luke',
  'i am your father',
  'winter is coming',
  'you shall not pass',
  'one ring to rule them all',
  'speak friend and enter',
  'there is no spoon',
  'the cake is a lie',
  'hasta la vista baby',
  'i will be back',
  'houston we have a problem',
  'elementary my dear watson',
  'the answer is forty two',
  'dont panic',
  'so long and thanks for all the fish',
  'live long and prosper',
  'beam me up scotty',
  'to infinity and beyond',
  'just do it',
  'carpe diem',
  'veni vidi vici',
  'e pluribus unum',
  'in god we trust',
  'god save the queen',
  'four score and seven years ago',
  'we hold these truths to be self evident',
  'i have a dream',
  'i think therefore i am',
  'knowledge is power',
  'the pen is mightier than the sword',
  'an apple a day keeps the doctor away',
  'once upon a time',
  'happily ever after',
  'it was the best of times it was the worst of times',
  'call me ishmael',
  'all work and no play makes jack a dull boy',
  'here is johnny',
  'show me the money',
  'life is like a box of chocolates',
  'keep calm and carry on',
  'hakuna matata',
  'let it be',
  'let it go',
  'all you need is love',
  'yellow submarine',
  'stairway to heaven',
  'hotel california',
  'bohemian rhapsody',
  'is this the real life is this just fantasy',
  'we will rock you',
  'we are the champions',
  'another brick in the wall',
  'smells like teen spirit',
  'never gonna give you up',
  'never gonna let you down',
  'somewhere over the rainbow',
  'what is love baby dont hurt me',
  'hit me baby one more time',
  'sweet child o mine',
  'highway to hell',
  'purple rain',
  'imagine all the people',
  'dont stop believing',
  'born to be wild',
  'like a rolling stone',
  'the times they are a changing',
  'blowin in the wind',
  'born in the usa',
  'eye of the tiger',
  'under pressure',
  'thriller',
  'billie jean',
  'i want to break free',
  'the show must go on',
  'highway star',
  'smoke on the water',
];

/** `phrase` in the form the dictionary holds: lower case, letters and digits only (NFKC first). */
export function compactForm(phrase: string): string {
  return phrase
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The dictionary given to zxcvbn-ts, most famous first, without duplicates. */
export const FAMOUS_PASSPHRASES: readonly string[] = [...new Set(PHRASES.map(compactForm))];

/** The zxcvbn-ts dictionary name (shown nowhere; zxcvbn reports matches by it). */
export const FAMOUS_DICTIONARY = 'famous-passphrases';

/** Shown when part of a passphrase is a well-known one (zxcvbn has no words for a match in an added dictionary). */
export const FAMOUS_WARNING =
  'This is a well-known passphrase, among the first that password crackers try. Use a generated one or six unrelated words of your own.';
