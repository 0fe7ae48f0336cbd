#!/usr/bin/env node
// The CLI entry: the same core as the app, under plain Node (no Electron). Built by `npm run build`.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('crucible-secrets: the CLI is not built yet. Run `npm run build` first.\n');
  process.exit(70);
}
require(bundle);
