"""Triton's own Python client against AIOS, over HTTP and gRPC.

Usage: tritonclient_check.py <http host:port> <grpc host:port> <model> <text> [token]
Prints one JSON object: for each protocol, whether the server is live, the model's metadata
(input names) and the outputs of one inference (label, and the datatypes the client saw).
"""

import json
import sys

import numpy as np
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient


def run(module, url, model, text, headers):
    client = module.InferenceServerClient(url=url)
    live = client.is_server_live(headers=headers)
    ready = client.is_model_ready(model, headers=headers)
    if module is httpclient:
        metadata = client.get_model_metadata(model, headers=headers)
    else:
        metadata = client.get_model_metadata(model, headers=headers, as_json=True)
    tensor = module.InferInput("text", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([text.encode("utf-8")], dtype=np.object_))
    result = client.infer(model, [tensor], headers=headers)
    label = result.as_numpy("label")
    response = result.get_response() if module is httpclient else result.get_response(as_json=True)
    return {
        "live": live,
        "ready": ready,
        "model": metadata["name"],
        "inputs": [t["name"] for t in metadata["inputs"]],
        "label": label[0].decode("utf-8") if label is not None else None,
        "outputs": {o["name"]: o["datatype"] for o in response["outputs"]},
    }


def main():
    http_url, grpc_url, model, text = sys.argv[1:5]
    token = sys.argv[5] if len(sys.argv) > 5 else None
    headers = {"authorization": f"Bearer {token}"} if token else None
    print(
        json.dumps(
            {
                "http": run(httpclient, http_url, model, text, headers),
                "grpc": run(grpcclient, grpc_url, model, text, headers),
            }
        )
    )


if __name__ == "__main__":
    main()
