/**
 * What the Lambda handlers of {@link io.fenceq.functions} share: reading their environment, the
 * HTTP answers of the enqueue API, and priming for SnapStart. Not a public API.
 */
package io.fenceq.functions.internal;
