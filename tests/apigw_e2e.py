#!/usr/bin/env python3
"""apigw_e2e.py - the optional API Gateway section (18) against moto.

The plan's section 18 inputs pass botocore's own parameter validation; the
spec key is refused with an internet-facing load balancer. A deploy with
api_gateway true makes the VPC link (private subnets, its own group, let
into the load balancer's group on port 80), the HTTP API, its integration
(through the link to the listener's ARN), the $default route to that
integration and the auto-deployed $default stage, read back with boto3; a
rerun makes nothing new; a run that died after sending the creates finds
them again instead of making them twice; destroy removes them all."""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
NAME = "agw"
KEYS = ("sg-apigw", "vpc-link", "api", "api-integration", "api-route", "api-stage")


def run(cmd, timeout=300, env=None):
    return subprocess.run(cmd, env=env or E.wizard_env(), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def placeholders(v):
    """The plan's input with every reference replaced by a plain value."""
    if isinstance(v, dict):
        return {k: placeholders(x) for k, x in v.items()}
    if isinstance(v, list):
        return [placeholders(x) for x in v]
    if isinstance(v, str):
        return re.sub(r"\$\{[^}]*\}", "ref", v)
    return v


def check_plan(spec_path, tmp):
    import botocore.session
    from botocore.validate import ParamValidator

    env = E.wizard_env()
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(k)
    p = run([E.BIN, "plan", "--spec", spec_path, "--output", "json"], env=env)
    ck.eq(p.returncode, 0, "plan (stderr: %s)" % p.stderr[-800:])
    plan = json.loads(p.stdout or "{}")
    sec = [s for s in plan.get("sections", []) if s.get("section") == 18]
    ck.eq(len(sec), 1, "the plan has section 18")
    acts = sec[0]["actions"] if sec else []
    ck.eq([a["operation"] for a in acts],
          ["CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "CreateVpcLink", "CreateApi",
           "CreateIntegration", "CreateRoute", "CreateStage"], "section 18's calls")
    session = botocore.session.get_session()
    for a in acts:
        om = session.get_service_model(a["service"]).operation_model(a["operation"])
        report = ParamValidator().validate(placeholders(a.get("params") or {}), om.input_shape)
        ck.check(not report.has_errors(), "%s: botocore accepts the input: %s"
                 % (a["key"], report.generate_report()))

    # Offered only for an internal load balancer.
    with open(spec_path) as f:
        bad = dict(json.load(f), load_balancer_scheme="internet-facing")
    bad_path = os.path.join(tmp, "bad.json")
    E.write_json(bad_path, bad)
    p = run([E.BIN, "plan", "--spec", bad_path], env=env)
    ck.eq(p.returncode, 2, "api_gateway with internet-facing: refused")
    ck.check("api_gateway" in p.stderr and "internal" in p.stderr,
             "the refusal names the key and why: " + p.stderr)
    plain = dict(bad, api_gateway=False)
    E.write_json(bad_path, plain)
    p = run([E.BIN, "plan", "--spec", bad_path, "--output", "json"], env=env)
    ck.eq(p.returncode, 0, "internet-facing without api_gateway: fine")
    ck.check(not [s for s in json.loads(p.stdout or "{}").get("sections", []) if s.get("section") == 18],
             "no section 18 unless asked for")


def snapshot(moto):
    """Section 18 as moto holds it."""
    ec2, agw, elb = moto.client("ec2"), moto.client("apigatewayv2"), moto.client("elbv2")
    d = {"links": [k for k in agw.get_vpc_links()["Items"] if k["Name"] == NAME + "-vpclink"],
         "apis": [a for a in agw.get_apis()["Items"] if a["Name"] == NAME + "-api"]}
    api = d["apis"][0]["ApiId"] if d["apis"] else None
    d["integrations"] = agw.get_integrations(ApiId=api)["Items"] if api else []
    d["routes"] = agw.get_routes(ApiId=api)["Items"] if api else []
    d["stages"] = agw.get_stages(ApiId=api)["Items"] if api else []
    d["groups"] = {g["GroupName"]: g for g in E.tagged(ec2.describe_security_groups()["SecurityGroups"], NAME)}
    d["subnets"] = {E.tags_of(s.get("Tags")).get("Name"): s["SubnetId"]
                    for s in E.tagged(ec2.describe_subnets()["Subnets"], NAME)}
    lbs = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == NAME + "-lb"]
    d["listeners"] = elb.describe_listeners(LoadBalancerArn=lbs[0]["LoadBalancerArn"])["Listeners"] if lbs else []
    return d


def check_deployed(d, state):
    one = {k: len(d[k]) for k in ("links", "apis", "integrations", "routes", "stages")}
    ck.eq(one, dict.fromkeys(one, 1), "one of each API Gateway resource")
    if one != dict.fromkeys(one, 1):
        return
    link, api, integ, route, stage = (d[k][0] for k in ("links", "apis", "integrations", "routes", "stages"))
    sg = d["groups"].get(NAME + "-apigw-sg", {})
    ck.eq(sorted(link["SubnetIds"]), sorted([d["subnets"].get(NAME + "-subnet-private1"),
                                             d["subnets"].get(NAME + "-subnet-private2")]),
          "the VPC link is in the private subnets")
    ck.eq(link["SecurityGroupIds"], [sg.get("GroupId")], "the VPC link is behind its own group")
    ck.eq(link["VpcLinkStatus"], "AVAILABLE", "the VPC link is available")
    ck.eq(link.get("Tags", {}).get(E.TAG), NAME, "the VPC link is tagged")
    lb_in = [(p.get("FromPort"), g["GroupId"]) for p in d["groups"].get(NAME + "-lb-sg", {}).get("IpPermissions", [])
             for g in p.get("UserIdGroupPairs", [])]
    ck.eq(lb_in, [(80, sg.get("GroupId"))], "the load balancer's group lets the link in on port 80")
    ck.eq(api["ProtocolType"], "HTTP", "an HTTP API")
    ck.eq(api.get("Tags", {}).get(E.TAG), NAME, "the API is tagged")
    ck.check(api.get("ApiEndpoint", "").startswith("https://"), "the API has an https invoke URL")
    listener = [ls["ListenerArn"] for ls in d["listeners"] if ls["Port"] == 80]
    ck.eq((integ["IntegrationType"], integ.get("IntegrationMethod"), integ.get("ConnectionType"),
           integ.get("ConnectionId"), integ.get("IntegrationUri"), integ.get("PayloadFormatVersion")),
          ("HTTP_PROXY", "ANY", "VPC_LINK", link["VpcLinkId"], (listener or [None])[0], "1.0"),
          "the integration goes through the VPC link to the listener")
    ck.eq((route["RouteKey"], route.get("Target")), ("$default", "integrations/" + integ["IntegrationId"]),
          "the default route targets the integration")
    ck.eq((stage["StageName"], stage.get("AutoDeploy")), ("$default", True), "the default stage deploys itself")
    j = json.load(open(os.path.join(state, NAME + ".json")))["resources"]
    ck.eq([j.get(k, {}).get("state") for k in KEYS], ["created"] * len(KEYS), "journaled as created")
    ck.eq((j.get("vpc-link", {}).get("id"), j.get("api", {}).get("id"), j.get("api-integration", {}).get("id")),
          (link["VpcLinkId"], api["ApiId"], integ["IntegrationId"]), "the journal has their ids")


def main():
    tmp = tempfile.mkdtemp(prefix="apigw_e2e.")
    moto = E.Moto()
    try:
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"license": "test"})
        spec = {"name": NAME, "admin_cidr": "203.0.113.7/32", "license_file": lic,
                "push_image": False, "api_gateway": True}
        spec_path = os.path.join(tmp, "spec.json")
        E.write_json(spec_path, spec)
        state = os.path.join(tmp, "state")
        check_plan(spec_path, tmp)

        p = run(E.deploy_cmd(moto, spec_path, state))
        ck.eq(p.returncode, 0, "deploy (stderr: %s)" % p.stderr[-1500:])
        first = snapshot(moto)
        check_deployed(first, state)

        # A second run: everything is done before, nothing new.
        p = run(E.deploy_cmd(moto, spec_path, state))
        ck.eq(p.returncode, 0, "rerun (stderr: %s)" % p.stderr[-1500:])
        ck.check(not re.search(r"^\[18\] \S+\s+created", p.stderr, re.M), "the rerun creates nothing in 18")
        again = snapshot(moto)
        check_deployed(again, state)
        ck.eq(sorted(again["groups"]), sorted(first["groups"]), "no security group made twice")

        # A run killed after sending the creates (journal: intent): found
        # again by name, integration by listener, route and stage by key.
        path = os.path.join(state, NAME + ".json")
        doc = json.load(open(path))
        for k in KEYS:
            for f in ("id", "arn", "outputs", "ready"):
                doc["resources"][k].pop(f, None)
            doc["resources"][k]["state"] = "intent"
        E.write_json(path, doc)
        os.chmod(path, 0o600)
        p = run(E.deploy_cmd(moto, spec_path, state))
        ck.eq(p.returncode, 0, "resume after intents (stderr: %s)" % p.stderr[-1500:])
        for k in KEYS:  # looked up and recorded again, not "done before"
            ck.check(re.search(r"^\[18\] %s\s+created" % re.escape(k), p.stderr, re.M),
                     "%s recorded again: %s" % (k, p.stderr[-1200:]))
        found = snapshot(moto)
        check_deployed(found, state)
        ck.eq([found[k][0][i] for k, i in (("links", "VpcLinkId"), ("apis", "ApiId"),
                                           ("integrations", "IntegrationId"), ("routes", "RouteId"))
               if found[k]],
              [first[k][0][i] for k, i in (("links", "VpcLinkId"), ("apis", "ApiId"),
                                           ("integrations", "IntegrationId"), ("routes", "RouteId"))
               if first[k]], "the same resources found again, none made twice")

        p = run([E.BIN, "destroy", "--name", NAME, "--endpoint-url", moto.url, "--state-dir", state, "--yes"])
        ck.eq(p.returncode, 0, "destroy (stderr: %s)" % p.stderr[-1500:])
        gone = snapshot(moto)
        ck.eq((gone["links"], gone["apis"], sorted(gone["groups"])), ([], [], []),
              "the VPC link, the API and the groups are gone")
        ck.eq(E.leftovers(moto, NAME), [], "nothing of the deployment is left")
        j = json.load(open(path))["resources"]
        ck.eq(sorted({j[k]["state"] for k in KEYS}), ["deleted"], "the journal says deleted")
    finally:
        moto.stop()
    ck.finish()


main()
