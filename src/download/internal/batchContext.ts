/**
 * What a polite batch tells the requests it runs, through FiberRefs set for its fibers only: its host
 * policy, and the permits bounding its requests in flight (taken after the host's gate, so a request
 * waiting for a paused or rate-limited host holds no slot that another host could use).
 */
import type * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import type { HostPolicy } from "../HostPolicy.js"

/** The policy of the batch running in this fiber, if it has one (read by `HttpGet.get`). */
export const currentHostPolicy: FiberRef.FiberRef<HostPolicy | undefined> = FiberRef.unsafeMake<
  HostPolicy | undefined
>(undefined)

/** The semaphore every policed request takes a permit of, after its host's gate. */
export const currentRequestSlots: FiberRef.FiberRef<Effect.Semaphore | undefined> = FiberRef.unsafeMake<
  Effect.Semaphore | undefined
>(undefined)
