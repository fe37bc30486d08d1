from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("search/", views.ArticleListView.as_view(), name="search"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail-short"),
    path("articles/<int:pk>/read/", views.read_beacon, name="article-read"),
    path("articles/<int:pk>-<str:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<str:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<str:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<str:slug>/", views.EventDetailView.as_view(), name="event-detail"),
]
