#!/usr/bin/env bash
# Makes the offline Debian base image (claude-bottle/debian-base:bookworm) that every test image builds FROM.
# No container registry is reachable here, so the root filesystem comes from Debian's mirror via debootstrap.
set -euo pipefail
TAG="${BASE_IMAGE_TAG:-claude-bottle/debian-base:bookworm}"
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "base image $TAG already present"
  exit 0
fi
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
ROOTFS=$(mktemp -d /tmp/claude-bottle-rootfs.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT
echo "debootstrap bookworm (minbase) into $ROOTFS ..."
debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >/tmp/claude-bottle-debootstrap.log 2>&1 \
  || { tail -n 30 /tmp/claude-bottle-debootstrap.log; exit 1; }
tar -C "$ROOTFS" -c . | docker import - "$TAG" >/dev/null
echo "imported $TAG"
