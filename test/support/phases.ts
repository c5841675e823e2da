/** The CLI's node:http client, each request's phases told to the test too: a sync point that is no guess at time. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import { currentPhaseTracker, type PhaseTracker, StopsOnTimeout } from "../../src/download/RequestPhases.js"
import * as CliHttpClient from "../../src/node/NodeHttpClient.js"

/** A tracker that tells `seen` each call (`bytes` for body bytes) before it tells `tracker`. */
export const seeing = (seen: Array<string>, tracker: PhaseTracker): PhaseTracker => ({
  enter: (phase) => {
    seen.push(phase)
    tracker.enter(phase)
  },
  progress: () => {
    seen.push("bytes")
    tracker.progress()
  },
  queue: () => {
    seen.push("queued")
    tracker.queue()
  },
  onTimeout: (stop) => tracker.onTimeout(stop)
})

/** `CliHttpClient.layer`, its requests' phases also pushed to `seen` as the deadlines are told them. */
export const seeingPhases = (seen: Array<string>): Layer.Layer<HttpClient.HttpClient> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      Object.assign(
        HttpClient.transform(client, (response) =>
          Effect.flatMap(FiberRef.get(currentPhaseTracker), (tracker) =>
            tracker === undefined
              ? response
              : Effect.locally(response, currentPhaseTracker, seeing(seen, tracker))
          )
        ),
        // still the client that stops its own waits: its requests stay in the caller's fiber
        { [StopsOnTimeout]: true }
      )
    )
  ).pipe(Layer.provide(CliHttpClient.layer))
