/** The CLI's node:http client, each request's phases told to the test too: a sync point that is no guess at time. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import {
  currentTracker,
  type PhaseTracker,
  type Reporting,
  Tracker
} from "../../src/download/RequestPhases.js"
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

/**
 * `CliHttpClient.layer`, its requests' phases also pushed to `seen` as the deadlines are told them: the
 * client wrapped (`HttpClient.transform`), still reporting its phases and stopping its own waits.
 */
export const seeingPhases = (seen: Array<string>): Layer.Layer<HttpClient.HttpClient | Reporting> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.transform(client, (response) =>
        Effect.flatMap(currentTracker, (tracker) =>
          tracker === undefined ? response : Effect.provideService(response, Tracker, seeing(seen, tracker))
        )
      )
    )
  ).pipe(Layer.provideMerge(CliHttpClient.layer))
