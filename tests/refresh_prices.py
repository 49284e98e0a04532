#!/usr/bin/env python3
"""refresh_prices.py - `ecs-wizard plan --refresh-prices` against a small
Price List API on loopback (moto has no pricing service).

The server answers AWSPriceListService.GetProducts (JSON 1.1) the way AWS
does: PriceList is a list of JSON documents in strings, paged with
NextToken. It prices only what the request's filters ask for, from PRICES
below, so a wrong filter shows up as a missing figure. Checks: the cache
file (0600 in a 0700 directory) holds the served figures with today's date,
plan's estimate uses them then and afterwards, requests are signed for
us-east-1 whatever the deployment's region, and a refused call fails
cleanly without touching the cache."""
import datetime
import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as e2e  # noqa: E402

REGION = "eu-west-3"
PRICES = {  # what the fake Price List sells in REGION
    ("AmazonEC2", "m5zn.xlarge"): 0.4321,
    ("AmazonEC2", "t2.micro"): 0.0155,
    ("AmazonEC2", "gp3"): 0.0931,
    ("AmazonEC2", "NAT Gateway"): 0.0577,
    ("AWSELB", "Load Balancer-Application"): 0.0299,
    # no EFS product: the figure stays as shipped and is reported missing
}
REQUESTS = []
MODE = {"deny": False}


def product(usagetype, unit, usd, attrs):
    attrs = dict(attrs, usagetype=usagetype)
    return json.dumps({
        "product": {"productFamily": attrs.get("productFamily", "Compute Instance"),
                    "attributes": attrs, "sku": "SKU%d" % len(REQUESTS)},
        "serviceCode": "x",
        "terms": {"OnDemand": {"SKU.JRTCKXETXF": {"priceDimensions": {
            "SKU.JRTCKXETXF.6YS6EN2CT7": {
                "unit": unit, "pricePerUnit": {"USD": "%.10f" % usd},
                "description": "test"}}}}},
    })


def answer(req):
    f = {x["Field"]: x["Value"] for x in req.get("Filters", [])}
    svc = req.get("ServiceCode")
    if f.get("regionCode") != REGION:
        return {"PriceList": [], "FormatVersion": "aws_v1"}
    if "instanceType" in f:
        price = PRICES.get((svc, f["instanceType"]))
        if price is None or f.get("operatingSystem") != "Linux":
            return {"PriceList": []}
        # Page 1: a Windows product of the same type (not ours); page 2 ours.
        if not req.get("NextToken"):
            return {"PriceList": [product("EUW3-BoxUsage:" + f["instanceType"], "Hrs",
                                          price * 3, {"operatingSystem": "Windows"})],
                    "NextToken": "page2"}
        return {"PriceList": [product("EUW3-BoxUsage:" + f["instanceType"], "Hrs", price,
                                      {"instanceType": f["instanceType"]})]}
    if f.get("volumeApiName") == "gp3":
        return {"PriceList": [product("EUW3-EBS:VolumeUsage.gp3", "GB-Mo",
                                      PRICES[(svc, "gp3")], {})]}
    family = f.get("productFamily")
    if (svc, family) == ("AmazonEC2", "NAT Gateway"):
        return {"PriceList": [
            product("EUW3-NatGateway-Bytes", "GB", 0.9, {}),
            product("EUW3-NatGateway-Hours", "Hrs", PRICES[(svc, family)], {})]}
    if (svc, family) == ("AWSELB", "Load Balancer-Application"):
        return {"PriceList": [
            product("EUW3-LCUUsage", "LCU-Hrs", 0.9, {}),
            product("EUW3-LoadBalancerUsage", "Hrs", PRICES[(svc, family)], {})]}
    return {"PriceList": []}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        REQUESTS.append({"target": self.headers.get("X-Amz-Target"),
                         "auth": self.headers.get("Authorization", ""),
                         "body": json.loads(body or b"{}")})
        if MODE["deny"]:
            out, status = {"__type": "AccessDeniedException",
                           "Message": "not allowed to read prices"}, 400
        elif self.headers.get("X-Amz-Target") != "AWSPriceListService.GetProducts":
            out, status = {"__type": "UnknownOperationException"}, 400
        else:
            out, status = answer(REQUESTS[-1]["body"]), 200
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", "req-%d" % len(REQUESTS))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    e2e.enter_netns()
    c = e2e.Checker()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % srv.server_address[1]
    work = tempfile.mkdtemp()
    lic = os.path.join(work, "license.json")
    e2e.write_json(lic, {"license": "test"})
    spec = os.path.join(work, "spec.json")
    e2e.write_json(spec, {"region": REGION, "license_file": lic,
                          "admin_cidr": "203.0.113.7/32"})
    env = e2e.wizard_env()
    env["XDG_CACHE_HOME"] = os.path.join(work, "cache")
    cache = os.path.join(work, "cache", "ecs-wizard", "prices.json")

    def plan(*extra, env=env):
        p = subprocess.run([e2e.BIN, "plan", "--spec", spec, "--output", "json",
                            "--endpoint-url", url] + list(extra),
                           env=env, capture_output=True, text=True, timeout=300)
        return p, (json.loads(p.stdout) if p.returncode == 0 else None)

    def items(doc):
        return {i["key"]: i for i in doc["cost"]["items"]}

    # Before: the shipped (derived) figure for eu-west-3.
    p, before = plan()
    c.eq(p.returncode, 0, "plan without refresh: " + p.stderr)
    shipped_host = items(before)["ec2-hosts"]["unit_price"] if before else None
    c.check(before and items(before)["ec2-hosts"]["derived"],
            "the shipped eu-west-3 m5zn.xlarge price is marked derived")

    # 1. Refresh: figures land in the cache and in this very estimate.
    p, doc = plan("--refresh-prices")
    c.eq(p.returncode, 0, "plan --refresh-prices exit: " + p.stderr)
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    if c.check(doc is not None, "refresh printed the plan"):
        it = items(doc)
        c.eq(it["ec2-hosts"]["unit_price"], PRICES[("AmazonEC2", "m5zn.xlarge")], "host price")
        c.eq(it["ec2-hosts"]["derived"], False, "a live figure is not derived")
        c.eq(it["ec2-bastion"]["unit_price"], PRICES[("AmazonEC2", "t2.micro")], "bastion")
        c.eq(it["ebs-hosts"]["unit_price"], PRICES[("AmazonEC2", "gp3")], "gp3")
        c.eq(it["nat-gateway"]["unit_price"], PRICES[("AmazonEC2", "NAT Gateway")],
             "NAT hours, not its per-GB price")
        c.eq(it["load-balancer"]["unit_price"],
             PRICES[("AWSELB", "Load Balancer-Application")], "ALB hours, not LCU")
        c.eq(it["efs-storage"]["derived"], before and items(before)["efs-storage"]["derived"],
             "EFS (not served) stays as shipped")
        c.eq(doc["cost"]["as_of"], today, "the estimate is dated today")
        c.check("Price List" in doc["cost"]["source"], "source names the Price List API")
        total = sum(i["monthly"] for i in doc["cost"]["items"] if i["known"])
        c.check(abs(doc["cost"]["monthly_total"] - total) < 1e-6, "total is the items' sum")
    c.check("5 prices" in p.stderr and "1 not found" in p.stderr,
            "reports what it read: " + p.stderr.strip())
    c.check(os.path.exists(cache), "cache written at " + cache)
    if os.path.exists(cache):
        c.eq(stat.S_IMODE(os.stat(cache).st_mode), 0o600, "cache file mode")
        c.eq(stat.S_IMODE(os.stat(os.path.dirname(cache)).st_mode), 0o700, "cache dir mode")
        with open(cache) as f:
            cached = json.load(f)
        c.eq(cached["regions"][REGION]["instance_hour"]["m5zn.xlarge"],
             PRICES[("AmazonEC2", "m5zn.xlarge")], "cached host price")
        c.check("efs_standard_gib_month" not in cached["regions"][REGION],
                "a figure not found is not cached")
    gp = [r for r in REQUESTS if r["target"] == "AWSPriceListService.GetProducts"]
    c.check(len(gp) >= 6, "GetProducts was called per figure (%d)" % len(gp))
    c.check(all("/us-east-1/pricing/aws4_request" in r["auth"] for r in gp),
            "signed for pricing in us-east-1")
    c.check(any(r["body"].get("NextToken") == "page2" for r in gp), "followed NextToken")
    c.check(all(e2e.SECRET not in (p.stdout + p.stderr) for _ in [0]), "no secret printed")

    # 1b. A region the Price List has nothing for: the cache keeps what it had
    #     and does not date that region.
    other = os.path.join(work, "other.json")
    e2e.write_json(other, {"region": "eu-north-1", "license_file": lic,
                           "admin_cidr": "203.0.113.7/32"})
    p = subprocess.run([e2e.BIN, "plan", "--spec", other, "--output", "json", "--endpoint-url",
                        url, "--refresh-prices"], env=env, capture_output=True, text=True,
                       timeout=300)
    c.eq(p.returncode, 0, "refresh with nothing to read: " + p.stderr)
    c.check("read 0 prices" in p.stderr, "says nothing was read: " + p.stderr.strip())
    if p.returncode == 0:
        c.check(json.loads(p.stdout)["cost"]["as_of"] != today, "not dated today")
    with open(cache) as f:
        cached = json.load(f)
    c.check(REGION in cached["regions"] and "eu-north-1" not in cached["regions"],
            "the cache keeps the first region and gains no empty one")

    # 2. Afterwards, without --refresh-prices and without the server: the cache.
    n = len(REQUESTS)
    p, after = plan()
    c.eq(p.returncode, 0, "plan after refresh")
    c.check(after and items(after)["ec2-hosts"]["unit_price"] ==
            PRICES[("AmazonEC2", "m5zn.xlarge")], "the cached price is used afterwards")
    c.eq(len(REQUESTS), n, "plan without --refresh-prices sends nothing")

    # 3. Text output carries the table and its date.
    t = subprocess.run([e2e.BIN, "plan", "--spec", spec], env=env,
                       capture_output=True, text=True, timeout=300)
    c.check(t.returncode == 0 and "Estimated cost in " + REGION in t.stdout and
            today in t.stdout and "Total" in t.stdout, "text plan shows the cost table")

    # 4. A refused call: exit 1, one line naming the API, cache untouched.
    MODE["deny"] = True
    with open(cache, "rb") as f:
        saved = f.read()
    p, _ = plan("--refresh-prices")
    c.eq(p.returncode, 1, "refused refresh exits 1")
    c.check("AccessDeniedException" in p.stderr and "Price List" in p.stderr,
            "the error names the refusal: " + p.stderr.strip())
    c.eq(p.stdout, "", "nothing printed on stdout after a failed refresh")
    with open(cache, "rb") as f:
        c.check(f.read() == saved, "the cache is untouched by a failed refresh")

    # 5. No credentials: exit 1 and the hint, nothing sent.
    MODE["deny"] = False
    n = len(REQUESTS)
    noenv = dict(env)
    del noenv["AWS_ACCESS_KEY_ID"], noenv["AWS_SECRET_ACCESS_KEY"]
    noenv["AWS_EC2_METADATA_DISABLED"] = "true"
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        noenv[name] = os.path.join(work, "empty")
    open(os.path.join(work, "empty"), "w").close()
    p, _ = plan("--refresh-prices", env=noenv)
    c.eq(p.returncode, 1, "refresh without credentials exits 1")
    c.check("credentials" in p.stderr, "says credentials are missing: " + p.stderr.strip())
    c.eq(len(REQUESTS), n, "nothing sent without credentials")

    srv.shutdown()
    c.finish()


if __name__ == "__main__":
    main()
