/**
 * Writes the booking's state diagram into the README from the workflow's transition table
 * (`npx tsx scripts/booking-state-diagram.ts`); test/unit/booking-transitions.test.ts fails
 * while the two differ.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bookingStateDiagram } from '../workflows/booking-transitions';

const README = path.resolve(__dirname, '..', 'README.md');
const BLOCK = /(\x3C!-- booking-states:begin[^>]*-->\n```mermaid\n)[\s\S]*?(\n```\n\x3C!-- booking-states:end -->)/;

const readme = fs.readFileSync(README, 'utf8');
if (!BLOCK.test(readme)) throw new Error('README.md has no booking-states block to fill');
fs.writeFileSync(README, readme.replace(BLOCK, (_, begin: string, end: string) => `${begin}${bookingStateDiagram()}${end}`));
