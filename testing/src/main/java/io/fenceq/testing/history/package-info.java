/**
 * A recorder and checker of what a test's jobs did to the user's own tables: each job applied at
 * most once, a key's jobs applied in enqueue order, no write accepted with a fence below one
 * already accepted for its key, and every job either applied or in the dead-letter queue with a
 * reason. {@link io.fenceq.testing.history.JobHistory} is the entry point.
 */
package io.fenceq.testing.history;
