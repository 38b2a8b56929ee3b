"""The Chinese error page of last resort, in plain Python (no Django, no template, no static file).

Sent when the 400/500 templates cannot be rendered (core/views/errors.py) and by the WSGI server
for the requests it refuses itself (config/gunicorn_errors.py).
"""

from __future__ import annotations

from html import escape

FALLBACK_PAGE = """<!DOCTYPE html>
<html lang="zh-hans">
  <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{title} · 工会</title></head>
  <body style="font-family: sans-serif; margin: 2rem;">
    <h1 style="font-size: 1.25rem;">{heading}</h1>
    <p>{text}</p>
    <p><a href="/">返回首页</a></p>
  </body>
</html>
"""
FALLBACK_TEXTS = {
    400: (
        "请求有误",
        "无法处理这个请求",
        "请求的内容不完整或格式不对。请返回上一页重新操作，或从首页重新进入。",
    ),
    500: (
        "系统出错",
        "抱歉，系统处理您的请求时出错了",
        "错误已经记录。请稍后再试；如果一直出现，请告诉本单位工会或系统管理员您当时在做什么。",
    ),
}


def fallback_page(status: int) -> str:
    title, heading, text = FALLBACK_TEXTS[400 if 400 <= status < 500 else 500]
    return FALLBACK_PAGE.format(title=escape(title), heading=escape(heading), text=escape(text))
