/**
 * zod's tree-shakable `zod/mini` API with the English messages configured once. Every runtime
 * schema imports zod through this module: `zod/mini` keeps only the schema types and checks a
 * bundle uses (zod classic brought about 91 KB into every function bundle whatever it used), but
 * unlike classic it loads no locale, and without one every issue would read just "Invalid input".
 * The English locale costs about 3 KB of bundle; importing it here (ahead of any schema module)
 * keeps the messages callers see — "Too small: expected string to have >=1 characters" — as they were.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
