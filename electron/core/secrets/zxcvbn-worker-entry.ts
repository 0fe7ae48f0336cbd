import { parentPort } from 'node:worker_threads';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { FAMOUS_DICTIONARY, FAMOUS_PASSPHRASES } from '../../common/famous-passphrases';

/**
 * The password-strength worker as one file with zxcvbn-ts and its dictionaries inside, bundled by
 * scripts/build-electron.mjs beside dist/main/main.cjs and dist/cli/cli.cjs. The main thread reads it
 * (through Electron's asar-aware fs) and starts it as eval'd code, so in a packaged app every line of it
 * comes from the integrity-checked app.asar and nothing of zxcvbn-ts has to be unpacked beside it (issue 19).
 * Errors are reported without detail: a message could quote the password.
 */
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary, [FAMOUS_DICTIONARY]: [...FAMOUS_PASSPHRASES] },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});
const port = parentPort;
port?.on('message', (m: { id: number; password: string; userInputs: string[] }) => {
  try {
    const r = zxcvbn.check(m.password, m.userInputs);
    port.postMessage({
      id: m.id,
      result: {
        score: r.score,
        guessesLog10: r.guessesLog10,
        warning: r.feedback.warning,
        suggestions: r.feedback.suggestions,
        famous: r.sequence.some((x) => 'dictionaryName' in x && x.dictionaryName === FAMOUS_DICTIONARY),
      },
    });
  } catch {
    port.postMessage({ id: m.id, error: true });
  }
});
