/**
 * Helpers shared by the packages of this module and by nothing outside it; not part of the public
 * API, and other modules must not import them.
 *
 * <p>{@link io.fenceq.internal.Require} is the one argument check of the module's builders and
 * configurations: {@code Require.argument(ok, "LaneProcessor", "config", value)} throws {@code
 * invalid LaneProcessor setting config: null}; {@code Require.rule} adds the rule that was broken
 * ({@code invalid EngineConfig setting backoffCap: must be positive, got 0ms}), and {@code
 * Require.value} states a value's rule without an owner ({@code leaseDuration must be set, got
 * null}).
 */
package io.fenceq.internal;
