package com.example.inventory;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.LaneLostException;
import io.fenceq.fence.FenceToken;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.spring.FenceqHandler;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** Reservations of stock: enqueued by SKU, applied one at a time per SKU under a fence. */
@Service
public class Reservations {
  /** The job type of a reservation. */
  public static final String RESERVE = "reserve";

  private final Enqueuer enqueuer;
  private final Stock stock;

  public Reservations(Enqueuer enqueuer, Stock stock) {
    this.enqueuer = enqueuer;
    this.stock = stock;
  }

  /** Enqueues reservations of {@code units} of a SKU each; all of them, or an exception. */
  public void request(String sku, List<Integer> units) {
    List<JobRequest> jobs =
        units.stream().map(n -> JobRequest.of(sku, RESERVE, Map.of("units", n))).toList();
    enqueuer.enqueueAll(jobs).requireAllAccepted();
  }

  /** Applies one reservation; runs while this consumer holds the SKU's lane. */
  @FenceqHandler(RESERVE)
  void reserve(Job job, JobContext context) {
    int units = job.payload().path("units").asInt();
    FenceToken token = context.fenceToken();
    var outcome = stock.reserve(job.key(), units, token.fence(), token.seq());
    if (outcome == Stock.Outcome.FENCED) {
      throw new LaneLostException("a newer holder wrote " + job.key());
    }
  }
}
