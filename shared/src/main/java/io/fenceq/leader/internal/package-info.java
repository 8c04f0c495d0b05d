/** The SQS leader token's fence arithmetic and message format; used only inside fenceq-core. */
package io.fenceq.leader.internal;
