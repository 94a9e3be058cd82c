"""A real S3-compatible server for the suite: moto's server mode, in a process
of its own on a free port of 127.0.0.1, spoken to over HTTP like any store.

    with S3Server(tmp_path) as s3:
        bucket = s3.public_bucket()
        s3.django_settings(settings, bucket, monkeypatch)  # the default storage is the bucket
        s3.env(bucket)                    # the same, for a production process
        s3.keys(bucket), fetch(url)       # what is stored, and what a reader gets

The suite starts one per pytest-xdist worker (the `s3_server` fixture) and
gives each test a bucket of its own (`s3_media`), readable by anyone like
the bucket docs/deploy.md describes: a public-read policy, without which the
server refuses anonymous reads as S3 does.
"""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import boto3
from botocore.config import Config

from tools.servers import free_port

REGION = "us-east-1"
# moto accepts any key; these are what the site's processes get too.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class S3Server:
    def __init__(self, log_dir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"moto-{self.port}.log"
        self.process = None

    def start(self, timeout=30):
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"moto did not come up within {timeout} s")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(s3={"addressing_style": "path"}),
        )

    def public_bucket(self):
        """A new bucket whose objects anyone may read, as docs/deploy.md sets one up."""
        name = f"media-{uuid.uuid4().hex[:12]}"
        client = self.client()
        client.create_bucket(Bucket=name)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name}/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        return name

    def keys(self, bucket, prefix=""):
        listed = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def env(self, bucket):
        """The variables that put a production process's uploads in `bucket`."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": REGION,
            **CREDENTIALS,
        }

    def django_settings(self, settings, bucket, monkeypatch):
        """The default storage is `bucket`, configured by applyingml/settings.py
        from the same variables a production process gets (the `settings`
        and `monkeypatch` fixtures undo it)."""
        from applyingml import settings as project_settings

        for name, value in self.env(bucket).items():
            monkeypatch.setenv(name, value)
        storage = project_settings.s3_storage()
        settings.STORAGES = {**settings.STORAGES, "default": storage}
        settings.MEDIA_URL = project_settings.s3_media_url(storage["OPTIONS"])


def fetch(url, timeout=10):
    """(status, body bytes, content type) of a GET, as a reader's browser
    makes it: no credentials."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers["Content-Type"]
