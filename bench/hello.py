"""The read ceiling: a bare Flask "hello world" under the same gunicorn settings as the forum."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
