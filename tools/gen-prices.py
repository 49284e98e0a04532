#!/usr/bin/env python3
"""gen-prices.py - write data/prices.json, the on-demand price table that
ecs-wizard ships (its cost estimate reads it; see ecs-wizard(1), COST).

    tools/gen-prices.py > data/prices.json
    tools/gen-prices.py --merge ~/.cache/ecs-wizard/prices.json > data/prices.json

Without arguments the table is built from the figures below: AWS's public
on-demand prices (USD, Linux, shared tenancy) for us-east-1 and a few other
regions, transcribed from AWS's pricing pages as of AS_OF. Where a figure for a
region is not transcribed it is derived: the us-east-1 figure times the
region's factor (FACTOR, the ratio of that region's m5.xlarge price to
us-east-1's), rounded to 4 decimals; the region's "derived" list names every
such figure, so nobody takes an estimate for a quote.

--merge FILE takes a table written by `ecs-wizard plan --refresh-prices`
(read from the AWS Price List API) and replaces the shipped figures with its
live ones, clearing their "derived" marks: run it for each region you refresh
before a release, then commit data/prices.json.
"""
import json
import sys

AS_OF = "2024-06-01"
SOURCE = ("AWS public on-demand pricing pages (aws.amazon.com/ec2/pricing/on-demand, "
          "/vpc/pricing, /elasticloadbalancing/pricing, /ebs/pricing, /efs/pricing, "
          "/cloudwatch/pricing) as published around " + AS_OF + ", transcribed by hand without "
          "access to the live Price List; not a quote: check with --refresh-prices")

# us-east-1: the base every derived figure starts from.
BASE = {
    "instance_hour": {
        "t2.micro": 0.0116, "t2.small": 0.023, "t2.medium": 0.0464,
        "t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416,
        "t3.large": 0.0832, "t3.xlarge": 0.1664,
        "m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384,
        "m5zn.large": 0.1652, "m5zn.xlarge": 0.3303, "m5zn.2xlarge": 0.6607,
        "m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384,
        "c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34,
        "r5.large": 0.126, "r5.xlarge": 0.252,
    },
    "ebs_gp3_gib_month": 0.08,
    "nat_gateway_hour": 0.045,
    "nat_gateway_gb": 0.045,
    "alb_hour": 0.0225,
    "alb_lcu_hour": 0.008,
    "public_ipv4_hour": 0.005,
    "efs_standard_gib_month": 0.30,
    "logs_storage_gib_month": 0.03,
    "logs_ingestion_gb": 0.50,
}

# Figures transcribed for other regions (the rest of each region is derived).
KNOWN = {
    "us-east-2": {"same_as_base": True},
    "us-west-2": {"same_as_base": True},
    "us-west-1": {"instance_hour": {"t2.micro": 0.0138, "t3.micro": 0.0124,
                                    "m5.xlarge": 0.224},
                  "ebs_gp3_gib_month": 0.096, "nat_gateway_hour": 0.048,
                  "nat_gateway_gb": 0.048, "alb_hour": 0.0252,
                  "efs_standard_gib_month": 0.33},
    "eu-west-1": {"instance_hour": {"t2.micro": 0.0126, "t3.micro": 0.0114,
                                    "m5.xlarge": 0.214},
                  "ebs_gp3_gib_month": 0.088, "nat_gateway_hour": 0.048,
                  "nat_gateway_gb": 0.048, "alb_hour": 0.0252,
                  "efs_standard_gib_month": 0.33},
    "eu-central-1": {"instance_hour": {"t2.micro": 0.0134, "t3.micro": 0.012,
                                       "m5.xlarge": 0.23},
                     "ebs_gp3_gib_month": 0.0952, "nat_gateway_hour": 0.052,
                     "nat_gateway_gb": 0.052, "alb_hour": 0.027,
                     "efs_standard_gib_month": 0.36},
    "ap-northeast-1": {"instance_hour": {"t2.micro": 0.0152, "t3.micro": 0.0136,
                                         "m5.xlarge": 0.248},
                       "ebs_gp3_gib_month": 0.096, "nat_gateway_hour": 0.062,
                       "nat_gateway_gb": 0.062, "alb_hour": 0.0243,
                       "efs_standard_gib_month": 0.36},
    "ap-southeast-1": {"instance_hour": {"t2.micro": 0.0146, "t3.micro": 0.0132,
                                         "m5.xlarge": 0.24},
                       "ebs_gp3_gib_month": 0.096, "nat_gateway_hour": 0.059,
                       "nat_gateway_gb": 0.059, "alb_hour": 0.0252,
                       "efs_standard_gib_month": 0.36},
    "sa-east-1": {"instance_hour": {"t2.micro": 0.0186, "t3.micro": 0.0168,
                                    "m5.xlarge": 0.306},
                  "ebs_gp3_gib_month": 0.152, "nat_gateway_hour": 0.093,
                  "nat_gateway_gb": 0.093, "alb_hour": 0.034,
                  "efs_standard_gib_month": 0.51},
}

# Region factor: that region's m5.xlarge over us-east-1's (0.192), from the
# transcribed m5.xlarge prices; regions without one use a neighbour's.
FACTOR = {
    "us-east-1": 1.0, "us-east-2": 1.0, "us-west-2": 1.0, "us-west-1": 1.1667,
    "ca-central-1": 1.1146, "ca-west-1": 1.1146, "mx-central-1": 1.1458,
    "sa-east-1": 1.5938,
    "eu-west-1": 1.1146, "eu-west-2": 1.1563, "eu-west-3": 1.1563,
    "eu-central-1": 1.1979, "eu-central-2": 1.3177, "eu-north-1": 1.0677,
    "eu-south-1": 1.1667, "eu-south-2": 1.1146,
    "il-central-1": 1.2188, "me-south-1": 1.2292, "me-central-1": 1.2292,
    "af-south-1": 1.3229,
    "ap-east-1": 1.375, "ap-east-2": 1.375, "ap-south-1": 1.0521,
    "ap-south-2": 1.0521, "ap-northeast-1": 1.2917, "ap-northeast-2": 1.2292,
    "ap-northeast-3": 1.2917, "ap-southeast-1": 1.25, "ap-southeast-2": 1.25,
    "ap-southeast-3": 1.25, "ap-southeast-4": 1.25, "ap-southeast-5": 1.1875,
    "ap-southeast-6": 1.25, "ap-southeast-7": 1.1875,
}

UNIFORM = ("public_ipv4_hour", "alb_lcu_hour")  # same price in every region


def region_table(region):
    known = KNOWN.get(region, {})
    same = region == "us-east-1" or known.get("same_as_base")
    f = FACTOR[region]
    derived = []
    out = {"instance_hour": {}}
    for t, p in BASE["instance_hour"].items():
        k = known.get("instance_hour", {}).get(t)
        if same:
            out["instance_hour"][t] = p
        elif k is not None:
            out["instance_hour"][t] = k
        else:
            out["instance_hour"][t] = round(p * f, 4)
            derived.append("instance_hour." + t)
    for key, p in BASE.items():
        if key == "instance_hour":
            continue
        if same or key in UNIFORM:
            out[key] = p
        elif key in known:
            out[key] = known[key]
        else:
            out[key] = round(p * f, 4)
            derived.append(key)
    out["derived"] = derived
    return out


def build():
    return {
        "format": 1,
        "currency": "USD",
        "as_of": AS_OF,
        "source": SOURCE,
        "hours_per_month": 730,
        "notes": [
            "On-demand, Linux, shared tenancy; taxes, free tier, savings plans and "
            "reserved prices are not taken into account.",
            "A region's 'derived' list names the figures that were not transcribed "
            "but estimated as the us-east-1 figure times the region's factor "
            "(its m5.xlarge price over us-east-1's); run `ecs-wizard plan "
            "--refresh-prices` for the Price List API's figures.",
            "public_ipv4_hour and alb_lcu_hour are the same in every region.",
        ],
        "regions": {r: region_table(r) for r in sorted(FACTOR)},
    }


def merge(table, path):
    with open(path) as f:
        live = json.load(f)
    for region, figures in live.get("regions", {}).items():
        dst = table["regions"].setdefault(region, {"instance_hour": {}, "derived": []})
        for key, value in figures.items():
            if key == "instance_hour":
                for t, p in value.items():
                    dst["instance_hour"][t] = p
                    dst["derived"] = [d for d in dst["derived"]
                                      if d != "instance_hour." + t]
            elif isinstance(value, (int, float)):
                dst[key] = value
                dst["derived"] = [d for d in dst["derived"] if d != key]
    table["notes"].append("Figures for %s were read from the AWS Price List API on %s."
                          % (", ".join(sorted(live.get("regions", {}))),
                             live.get("as_of", "?")))
    return table


def main(argv):
    table = build()
    if len(argv) == 3 and argv[1] == "--merge":
        table = merge(table, argv[2])
    elif len(argv) != 1:
        sys.stderr.write("usage: gen-prices.py [--merge REFRESHED.json]\n")
        return 2
    json.dump(table, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
