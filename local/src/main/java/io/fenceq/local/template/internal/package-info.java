/**
 * Internals of template parsing, intrinsic resolution and provisioning. Not an API: anything here
 * may change without notice.
 */
package io.fenceq.local.template.internal;
