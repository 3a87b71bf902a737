#!/usr/bin/env sh
# Make every Sightline stream (and KV bucket) three-way replicated on the 3-node JetStream
# cluster. The services create them at start with the server's default of one replica; run this
# once after the first start, and after adding a stream. Needs the `nats` CLI (nats-box has it)
# with the admin user: NATS_URL=nats://admin:<pass>@nats.nats.svc:4222 k8s/nats/streams-r3.sh
set -eu
for stream in FRAMES FRAME_HISTORY DETECTIONS ANALYSIS EVENTS ROLLUPS AUDIT; do
  nats stream edit "$stream" --replicas 3 --force
done
for bucket in tenants api_keys devices scenes chats sessions webhooks; do
  nats stream edit "KV_$bucket" --replicas 3 --force
done
