import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// The config schemas are zod/mini: a function whose only zod is its environment (migrate, the
// authorizer) then loads ~15 KiB of zod at cold start instead of classic zod's ~90 KiB. zod/mini
// loads no locale (classic zod sets English on its first schema): without this a bad variable would
// read "Invalid input" instead of saying what is wrong. Imported for its effect by what parses them.
config(en());
