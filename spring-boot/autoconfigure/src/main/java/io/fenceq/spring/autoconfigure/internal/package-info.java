/** The auto-configuration's own parts: handler discovery, method handlers, lane-loss counting. */
package io.fenceq.spring.autoconfigure.internal;
