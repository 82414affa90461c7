import { describe, expect, it } from "vitest";
import { ApiError, toApiError } from "@airunway/client";
import { describeError, usernameFromToken } from "./api";

const jwt = (payload: object) => `x.${btoa(JSON.stringify(payload)).replace(/=+$/, "")}.y`;

describe("usernameFromToken", () => {
  it("reads email, then preferred_username, then sub; null for opaque tokens", () => {
    expect(usernameFromToken(jwt({ email: "a@b.c", sub: "s" }))).toBe("a@b.c");
    expect(usernameFromToken(jwt({ preferred_username: "ann", sub: "s" }))).toBe("ann");
    expect(usernameFromToken(jwt({ sub: "system:serviceaccount:ns:me" }))).toBe("system:serviceaccount:ns:me");
    expect(usernameFromToken("opaque")).toBeNull();
  });
});

describe("errors", () => {
  it("keeps the backend's message and code, and says when nothing answered", () => {
    const err = toApiError(403, { error: "modeldeployments is forbidden", code: "FORBIDDEN", details: {} });
    expect(err).toBeInstanceOf(ApiError);
    expect(describeError(err)).toBe("modeldeployments is forbidden (FORBIDDEN, HTTP 403)");
    expect(toApiError(502, "<html>", "Bad Gateway").message).toBe("Request failed with status 502: Bad Gateway");
    expect(describeError(new ApiError(0, "The AI Runway backend cannot be reached.", "UNREACHABLE"))).toBe("The AI Runway backend cannot be reached.");
  });
});
