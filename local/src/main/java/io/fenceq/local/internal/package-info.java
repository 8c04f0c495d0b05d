/**
 * The embedded emulators behind {@link io.fenceq.local.LocalAws}. Not an API: anything here may
 * change without notice.
 */
package io.fenceq.local.internal;
