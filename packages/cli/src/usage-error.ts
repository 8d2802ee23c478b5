import { SimclrError } from '@simclr/core';

/** A malformed command line. The message says how to fix the call; the process exits with 2. */
export class UsageError extends SimclrError {}
