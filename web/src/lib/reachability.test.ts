import { describe, expect, it } from "vitest";
import { isReachableNow, markUnreachable, reportOutcome, requestSent, whenReachable } from "./reachability";

// The module keeps one state for the page: each case starts from a fresh answered request.
describe("reachability", () => {
  it("an answer to a request sent before the outage does not end it; one sent after does", async () => {
    reportOutcome(requestSent(), true);
    const before = requestSent();
    const failed = requestSent();
    reportOutcome(failed, false);
    expect(isReachableNow()).toBe(false);
    reportOutcome(before, true);
    expect(isReachableNow()).toBe(false);
    const recovered = whenReachable();
    reportOutcome(requestSent(), true);
    await recovered;
    expect(isReachableNow()).toBe(true);
  });

  it("a late failure of a request older than the last answer does not start an outage", () => {
    reportOutcome(requestSent(), true);
    const old = requestSent();
    reportOutcome(requestSent(), true);
    reportOutcome(old, false);
    expect(isReachableNow()).toBe(true);
  });

  it("a page's code failing to load outranks every request already sent", () => {
    reportOutcome(requestSent(), true);
    const inFlight = requestSent();
    markUnreachable();
    reportOutcome(inFlight, true);
    expect(isReachableNow()).toBe(false);
    reportOutcome(requestSent(), true);
    expect(isReachableNow()).toBe(true);
  });
});
