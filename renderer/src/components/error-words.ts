/** `SOME_CODE: words` as main records a failure: the code (for support) apart from the words (for people). */
export function splitErrorCode(text: string): { code: string | null; words: string } {
  const m = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+): (.*)$/s.exec(text);
  return m ? { code: m[1] ?? null, words: m[2] ?? '' } : { code: null, words: text };
}
