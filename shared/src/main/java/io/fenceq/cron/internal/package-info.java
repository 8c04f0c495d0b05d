/** The schedule rules behind {@link io.fenceq.cron.Schedule}; used only inside this module. */
package io.fenceq.cron.internal;
