#!/usr/bin/env node
// The entry of the standalone CLI package (packages/cli): the same bundle as the repository's bin/, copied
// into dist/cli/ by scripts/pack-cli.mjs before `npm pack`.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write(
    'crucible-secrets: this package has no CLI bundle. In the repository, run `npm run build && node scripts/pack-cli.mjs`.\n',
  );
  process.exit(70);
}
require(bundle);
